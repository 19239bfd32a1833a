"""finconsole: a keyboard console for a webshop's customer register."""

__version__ = "0.1.0"
