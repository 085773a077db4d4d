# An event handler and its registration.
python my_handler () {
    bb.note("event")
}
my_handler[eventmask] = "bb.event.BuildStarted"
addhandler my_handler
addhandler a_handler another_handler
