"""Reading uploaded CSV text: whatever a file holds, the import answers with a 422 naming the line, never a 500.

Two things the csv module and the database would otherwise fail on: a field longer than the csv module's limit
(128 KiB: no real cell is that long) and NUL characters (PostgreSQL cannot store them, and no text file has one).
"""
import csv
import io

from flask_babel import gettext

from .errors import ValidationFailed


def _refuse(message):
    return ValidationFailed({"file": [message]})


def _text_without_nul(text):
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _refuse(gettext("Line %(line)d holds a NUL character: the file is not CSV text.", line=line))
    return text


def _guarded(reader):
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _refuse(gettext("Line %(line)d cannot be read as CSV (%(reason)s).",
                                  line=reader.line_num, reason=str(error))) from None
        yield row


class _Rows:
    """Iterates the wrapped reader's rows; `line_num` and `fieldnames` are the reader's own."""

    def __init__(self, reader):
        self._reader = reader
        self._rows = _guarded(reader)

    def __iter__(self):
        return self._rows

    def __next__(self):
        return next(self._rows)

    def __getattr__(self, name):
        return getattr(self._reader, name)

    @property
    def fieldnames(self):
        try:
            return self._reader.fieldnames
        except csv.Error as error:
            raise _refuse(gettext("Line 1 cannot be read as CSV (%(reason)s).", reason=str(error))) from None

    @fieldnames.setter
    def fieldnames(self, value):
        self._reader.fieldnames = value


def rows(text):
    """csv.reader over uploaded text, as lists of values."""
    return _Rows(csv.reader(io.StringIO(_text_without_nul(text), newline="")))


def records(text):
    """csv.DictReader over uploaded text, as dicts keyed by the header line."""
    return _Rows(csv.DictReader(io.StringIO(_text_without_nul(text), newline="")))
