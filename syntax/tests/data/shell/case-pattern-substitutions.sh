case $x in
$(first_pattern)) hit ;;
other|$(second_pattern)) hit2 ;;
esac
