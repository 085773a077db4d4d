# The demo's append: one more word for the hello recipe.
HELLO_FLAGS:append = " --twice"
