inherit tool
