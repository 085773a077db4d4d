cat <<-'END' | tee out
	$(ignored)
	END
next_command
