/* nop: exits 0 at once (the program posix_spawn starts). */
int main(void)
{
	return 0;
}
