this is not bitbake syntax at all
