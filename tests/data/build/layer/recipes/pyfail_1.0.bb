# A recipe whose python task raises.
python do_compile() {
    raise RuntimeError("python task failed on purpose")
}
