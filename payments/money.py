"""Money helpers: integer minor units with a per-currency exponent table. No floats here."""

from atelier.errors import ServiceError

# ISO 4217 minor-unit exponents for the currencies Atelier may pay in.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "AUD": 2,
    "CHF": 2,
    "BRL": 2,
    "MXN": 2,
    "INR": 2,
    "NGN": 2,
    "KES": 2,
    "ZAR": 2,
    "PHP": 2,
    "EGP": 2,
    "ARS": 2,
    "SEK": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "IDR": 2,
    "BHD": 3,
    "KWD": 3,
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_EXPONENTS)]
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def currency_check(currency: str, *, field: str = "currency") -> str:
    code = (currency or "").upper()
    if code not in CURRENCY_EXPONENTS:
        raise ServiceError(f"Unknown currency {currency!r}.", code="unknown_currency", field=field)
    return code


def amount_check(amount_minor, *, field: str = "amount_minor", allow_zero: bool = False) -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ServiceError(
            "Amounts are whole numbers of minor units.", code="invalid_amount", field=field
        )
    if amount_minor < 0 or (amount_minor == 0 and not allow_zero):
        raise ServiceError(
            "The amount must be positive." if not allow_zero else "The amount cannot be negative.",
            code="invalid_amount",
            field=field,
        )
    return amount_minor


def format_minor(amount_minor: int, currency: str) -> str:
    """1234, "USD" -> "$12.34"; 1234, "JPY" -> "¥1,234". Pure integer arithmetic."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if amount_minor < 0 else ""
    whole, frac = divmod(abs(amount_minor), 10**exponent)
    text = f"{whole:,}" + (f".{frac:0{exponent}d}" if exponent else "")
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def plain_minor(amount_minor: int, currency: str) -> str:
    """Machine-friendly decimal string for CSV: 1234 USD -> "12.34"."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if amount_minor < 0 else ""
    whole, frac = divmod(abs(amount_minor), 10**exponent)
    return f"{sign}{whole}" + (f".{frac:0{exponent}d}" if exponent else "")


def parse_major(text: str, currency: str, *, field: str = "amount") -> int:
    """Parse "12.34" into minor units without floats; refuses too many decimals."""
    exponent = CURRENCY_EXPONENTS[currency_check(currency)]
    raw = (text or "").strip().replace(",", "")
    whole, _, frac = raw.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > exponent:
        raise ServiceError(
            f"Enter an amount with at most {exponent} decimals.", code="invalid_amount", field=field
        )
    return int(whole) * 10**exponent + (int(frac.ljust(exponent, "0")) if exponent else 0)


def div_round(numerator: int, denominator: int) -> int:
    """Integer division rounding half up (for non-negative values)."""
    return (2 * numerator + denominator) // (2 * denominator)


# The largest rate a policy may set, in minor units: far above any real rate, far below the
# 64-bit columns and ledger sums it feeds (a bigger number is a 400, never a database error).
RATE_MAX_MINOR = 10**12
