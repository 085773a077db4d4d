SUMMARY = "oops
