# Close to the name asked for.
