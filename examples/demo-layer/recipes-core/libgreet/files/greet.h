/* libgreet: greetings and counted nouns for small programs. */
#ifndef GREET_H
#define GREET_H

#include <stddef.h>

/* Writes "<greeting>, <who>!" into buf (at most size bytes, always
   terminated); returns the length the full text has. */
int greet_format(char *buf, size_t size, const char *greeting, const char *who);

/* The noun that goes with count: one for 1, many otherwise. */
const char *greet_plural(unsigned long count, const char *one, const char *many);

/* The library's version, "MAJOR.MINOR". */
const char *greet_version(void);

#endif
