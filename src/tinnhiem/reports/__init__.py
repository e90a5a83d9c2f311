"""Minutes, announcement and spreadsheet: each renders a frozen ``RoundResult`` to bytes; the minutes' digital
signatures and the report package's."""

import warnings

# pyHanko imports cryptography's DSA key type only to recognise it; tinnhiem signs with RSA or ECDSA keys, never
# DSA, so the deprecation warning printed on every start of the command line says nothing to its users.
warnings.filterwarnings("ignore", "DSA is deprecated")
