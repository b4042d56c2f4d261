#!/usr/bin/env python
"""Django's manage.py; `kefu` is the same entry point with Kefu's verbs added."""

from kefu.cli import main

if __name__ == "__main__":
    main()
