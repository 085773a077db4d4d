python on_build_started() {
    pass
}
on_build_started[eventmask] = "bb.event.BuildStarted"
addhandler on_build_started

python on_build_completed() {
    pass
}
on_build_completed[eventmask] = "bb.event.BuildCompleted bb.event.BuildStarted"
addhandler on_build_completed on_build_started
