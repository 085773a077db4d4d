# Reached only through do_deploy[depends] of app.
