/* libgreet: greetings and counted nouns for small programs. */
#include <stdio.h>

#include "greet.h"

#ifndef GREET_VERSION
#define GREET_VERSION "0.0"
#endif

int greet_format(char *buf, size_t size, const char *greeting, const char *who)
{
	return snprintf(buf, size, "%s, %s!", greeting, who);
}

const char *greet_plural(unsigned long count, const char *one, const char *many)
{
	return count == 1 ? one : many;
}

const char *greet_version(void)
{
	return GREET_VERSION;
}
