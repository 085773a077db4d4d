# Both provide "dupe", so world takes neither.
PROVIDES = "dupe"
