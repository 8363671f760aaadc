"""MotCua — một cửa điện tử: an electronic one-stop shop for public administrative procedures."""

__version__ = "0.1.0"
