import pytest

from app import create_app
from app.codes import keys
from app.config import TestingConfig


def _app(**config):
    return create_app(type("C", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", **config}))


def test_without_code_secret_a_stable_key_is_derived_from_secret_key():
    a, b = _app(CODE_SECRET=None, SECRET_KEY="k1"), _app(CODE_SECRET=None, SECRET_KEY="k1")
    other = _app(CODE_SECRET=None, SECRET_KEY="k2")
    with a.app_context():
        code = keys.codec().encode(7, 42)
        assert keys.code_secret() not in (b"k1", "k1")  # derived, never the SECRET_KEY itself
    with b.app_context():
        assert keys.codec().decode(code).serial == 42
    with other.app_context(), pytest.raises(keys.CodeForgedError):
        keys.codec().decode(code)


def test_a_configured_code_secret_wins():
    with _app(CODE_SECRET="x" * 32).app_context():
        assert keys.code_secret() == b"x" * 32


@pytest.mark.parametrize("raw, compact", [
    ("ab12-cd34 ef56", "AB12CD34EF56"),
    ("https://m.example.com/s?code=zz99yy88", "ZZ99YY88"),
    ("ＡＢ１２ＣＤ３４", "AB12CD34"),  # full-width IME input
])
def test_imported_codes_are_cleaned_like_generated_ones(raw, compact):
    assert keys.clean_imported(raw) == compact


@pytest.mark.parametrize("raw", ["abc", "x" * 65, "AB12!CD34", "ÄB12CD34", ""])
def test_input_that_cannot_be_an_imported_code_is_malformed(raw):
    with pytest.raises(keys.CodeFormatError):
        keys.clean_imported(raw)


def test_imported_hash_is_keyed():
    with _app(CODE_SECRET="a" * 32).app_context():
        first = keys.imported_hash("AB12CD34")
    with _app(CODE_SECRET="b" * 32).app_context():
        assert keys.imported_hash("AB12CD34") != first
