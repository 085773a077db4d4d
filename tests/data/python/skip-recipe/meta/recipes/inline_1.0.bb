X := "${@bb.parse.SkipRecipe and (_ for _ in ()).throw(bb.parse.SkipRecipe('inline says no'))}"
