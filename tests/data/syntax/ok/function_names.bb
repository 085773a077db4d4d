# Function names: word characters and . - + { } $ :
do_a.b () {
    true
}
do_a-b+c () {
    true
}
do_${X}:append () {
    true
}
fakeroot() {
    true
}
pythonic () {
    true
}
