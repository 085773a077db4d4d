# Not close.
