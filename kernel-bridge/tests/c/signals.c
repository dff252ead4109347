/* SIGALRM handler runs while the guest spins (epoch delivery); raise() at
 * syscall return; CRASH/DIV/SPIN select a trap or an endless loop. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
static volatile int got;
static void on_alrm(int s) { got = s; }
int main(void) {
  signal(SIGALRM, on_alrm);
  alarm(1);
  while (!got) ;
  printf("got signal %d in busy loop\n", got);
  got = 0;
  raise(SIGALRM);
  printf("raise -> %d\n", got);
  int *p = (int *)0xfffffff0; 
  if (getenv("CRASH")) return *p;
  if (getenv("DIV")) { volatile int z = 0; return 5 / z; }
  if (getenv("SPIN")) for (;;);
  return 0;
}
