"""Client data is health data: the small rules every part of the program follows when it writes a file or
shows text a user typed.

``privacy.files`` (private folders and files whatever the umask, private temporary folders that are always
deleted), ``privacy.text`` (safe names for codes and folders, spreadsheet-safe CSV cells, text that is
shown as typed: no terminal control codes, no non-UTF-8 bytes, one line where one line is expected).
"""
