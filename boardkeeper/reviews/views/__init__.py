"""Pages of the case review register, a module a subject: the register and new reviews (`register`), a
review's page and the small views that change it section by section (`review`), the rules and themes
(`settings`), and the downloads (`files`)."""
