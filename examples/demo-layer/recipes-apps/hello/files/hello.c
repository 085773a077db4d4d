/* hello: greets the world, through libgreet. */
#include <stdio.h>

#include <greet.h>

int main(void)
{
	char text[256];

	greet_format(text, sizeof text, "Hello", "world");
	puts(text);
	return 0;
}
