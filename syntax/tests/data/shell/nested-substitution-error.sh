echo $(if)
