# Anonymous Python functions, run when the recipe is finalized.
python () {
    d.setVar('A', 'x')
}
python __anonymous () {
    d.setVar('B', 'y')
}
python() {
    pass
}
