# A recipe whose python task crashes its process (a read of address 0).
python do_compile() {
    import ctypes
    ctypes.string_at(0)
}
