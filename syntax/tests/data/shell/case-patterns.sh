case "$f" in
*.so|*.a)
	strip "$f"
	;;
(*.py) compile_py "$f" ;;
*)
	;;
esac
