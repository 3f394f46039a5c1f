# The lab agent's forker (test/lab/guest/agent.js starts it once, as `perl forker.pl`): reads one
# request folder D per line on stdin, runs D/cmd as `bash -c` in a session of its own (so that a
# timeout kills all it started) with D/env's variables (NAME=value, each ended by a NUL), D/stdin
# as stdin and D/out, D/err as stdout and stderr, writes its PID to D/pid, and reports
# "D <exit code>" on stdout (128 + the signal when a signal ended it, as bash reports one).
# Perl, not bash: a command costs one fork of this small process and the exec of `bash -c`,
# where a bash forker paid a fork, setsid(1) and a second bash besides (test/lab/README.md
# "The agent's forks"). perl-base is essential in Debian: every dom0 and the runner have it.
use strict;
use warnings;
use POSIX ();

my %running;    # PID -> request folder
my $chld = POSIX::SigSet->new(POSIX::SIGCHLD());

$SIG{CHLD} = sub {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $dir = delete $running{$pid} // next;
    my $rc = POSIX::WIFSIGNALED($?) ? 128 + POSIX::WTERMSIG($?) : POSIX::WEXITSTATUS($?);
    syswrite(STDOUT, "$dir $rc\n");
  }
};

sub slurp {
  my ($path) = @_;
  open(my $fh, '<', $path) or POSIX::_exit(127);
  local $/;
  my $text = <$fh>;
  return $text // '';
}

# In the child: everything before the exec; any failure ends it with 127 (command not run).
sub start {
  my ($dir) = @_;
  POSIX::setsid();
  my $cmd = slurp("$dir/cmd");
  for (split /\0/, slurp("$dir/env")) {
    my ($name, $value) = split /=/, $_, 2;
    $ENV{$name} = $value;
  }
  open(my $pid, '>', "$dir/pid") or POSIX::_exit(127);
  print $pid "$$\n";
  close($pid) or POSIX::_exit(127);
  open(STDIN, '<', "$dir/stdin") or POSIX::_exit(127);
  open(STDOUT, '>', "$dir/out") or POSIX::_exit(127);
  open(STDERR, '>', "$dir/err") or POSIX::_exit(127);
  exec('/bin/bash', '-c', $cmd) or POSIX::_exit(127);
}

my $buf = '';
for (;;) {
  my $n = sysread(STDIN, $buf, 4096, length $buf);
  if (!defined $n) {
    next if $!{EINTR};    # a child's exit, reported by the handler
    die "forker: reading requests: $!\n";
  }
  last if $n == 0;
  while ($buf =~ s/^([^\n]*)\n//) {
    my $dir = $1;
    # SIGCHLD held until the child is in %running: one that exits at once is still reported.
    my $old = POSIX::SigSet->new;
    POSIX::sigprocmask(POSIX::SIG_BLOCK(), $chld, $old);
    my $pid = fork();
    if (defined $pid && $pid == 0) {
      $SIG{CHLD} = 'DEFAULT';
      POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
      start($dir);
    }
    if (defined $pid) {
      $running{$pid} = $dir;
    } else {
      warn "forker: cannot fork for $dir: $!\n";
      syswrite(STDOUT, "$dir 127\n");
    }
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
  }
}
