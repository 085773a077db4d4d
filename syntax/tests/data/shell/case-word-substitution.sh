case $(uname -m) in
x86_64) echo 64 ;;
esac
