"""Uploaded files kept in the database, so that every server and worker sharing it sees them."""
