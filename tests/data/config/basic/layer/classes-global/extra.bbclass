EXTRA = "global class"
H:append = " extra"
