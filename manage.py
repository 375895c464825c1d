#!/usr/bin/env python
import sys

from soisua.cli import manage

if __name__ == "__main__":
    manage(sys.argv)
