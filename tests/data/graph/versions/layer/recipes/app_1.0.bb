DEPENDS = "foo bar baz qux req"
