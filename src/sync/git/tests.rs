use std::process::{Command, Output};

use super::command::{git_reason, someone_pushed_first};
use super::*;

#[test]
fn working_copies_are_named_for_the_remote_and_apart_per_database() {
    let (a, b) = (ReplicaId::generate(), ReplicaId::generate());
    let root = Path::new("/data");
    let wa = working_copy(root, "git@example.org:ops/incidents.git", a);
    let name = wa.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("incidents-"), "{name}");
    assert!(wa.starts_with("/data/sync"));
    assert_ne!(
        wa,
        working_copy(root, "git@example.org:ops/incidents.git", b)
    );
    assert_eq!(
        wa,
        working_copy(root, "git@example.org:ops/incidents.git", a)
    );
    let odd = working_copy(root, "/srv/../..", a);
    assert!(odd.starts_with("/data/sync"), "{odd:?}");
}

#[test]
fn only_a_race_between_pushers_is_retried() {
    assert!(someone_pushed_first(
        " ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs"
    ));
    assert!(!someone_pushed_first(
        " ! [remote rejected] main -> main (pre-receive hook declined)"
    ));
}

fn failed() -> Output {
    Command::new("false").output().expect("false runs")
}

#[test]
fn a_refused_push_gives_the_reason_not_the_address() {
    let stderr = "To /srv/team-log\n ! [remote rejected] HEAD -> main (Working directory has unstaged changes)\nerror: failed to push some refs to '/srv/team-log'\n";
    assert_eq!(
        git_reason(stderr, &failed()),
        "Working directory has unstaged changes"
    );
}

#[test]
fn the_remote_s_own_words_come_first_then_fatal_lines() {
    let hook = "remote: frozen for the review\nTo x\n ! [remote rejected] HEAD -> main (pre-receive hook declined)\n";
    assert_eq!(git_reason(hook, &failed()), "remote: frozen for the review");
    let banner = "remote: ========\nremote: The project you were looking for could not be found.\nremote: ========\n";
    assert_eq!(
        git_reason(banner, &failed()),
        "remote: The project you were looking for could not be found"
    );
    let fatal = "hint: try again\nfatal: repository 'x' does not exist\n";
    assert_eq!(
        git_reason(fatal, &failed()),
        "repository 'x' does not exist"
    );
    assert!(git_reason("", &failed()).starts_with("git stopped with"));
}
