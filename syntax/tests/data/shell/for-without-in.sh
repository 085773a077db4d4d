for arg; do echo $arg; done
