# The same class by two spellings of its path is read twice.
ORDER .= " second"
CLASS_FILE := "${FILE}"
include conf/second.conf
CLASS_AFTER_INCLUDE := "${FILE}"
secondfunc() {
	echo defined in a class found through a relative BBPATH entry
}
