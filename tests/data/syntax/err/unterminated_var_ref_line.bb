# A bare reference is no statement.
${A
