# Tabs in a top-level def.
def helper(d):
	return 1
