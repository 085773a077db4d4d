SUMMARY:append = " (appended)"
