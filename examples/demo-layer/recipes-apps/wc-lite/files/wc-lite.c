/* wc-lite: counts the lines, words (and optionally bytes) of its standard
   input, and says so in words, through libgreet. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <greet.h>

#ifndef WC_BYTES
#define WC_BYTES 0
#endif

int main(int argc, char **argv)
{
	unsigned long lines = 0, words = 0, bytes = 0;
	int c, in_word = 0;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("wc-lite %s (libgreet %s)\n", WC_VERSION, greet_version());
		return 0;
	}
	while ((c = getchar()) != EOF) {
		bytes++;
		if (c == '\n')
			lines++;
		if (isspace(c)) {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
		}
	}
	printf("%lu %s, %lu %s", lines, greet_plural(lines, "line", "lines"),
	       words, greet_plural(words, "word", "words"));
	if (WC_BYTES)
		printf(", %lu %s", bytes, greet_plural(bytes, "byte", "bytes"));
	putchar('\n');
	return 0;
}
