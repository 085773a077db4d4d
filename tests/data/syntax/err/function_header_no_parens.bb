python do_x {
    pass
}
