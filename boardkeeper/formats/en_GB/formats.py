"""How dates are typed into Boardkeeper's forms (Django reads these for LANGUAGE_CODE 'en-gb' through
FORMAT_MODULE_PATH): the British day first, the ISO date a date picker or a pasted spreadsheet cell gives,
and the date as minutes write it. One list for every form: a field that needs no other sets no formats."""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
