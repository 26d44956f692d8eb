package dev.sandboxjobs.engine.internal.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed shell programs the engine runs. None of them is ever built from user data: values
 * arrive as positional arguments, environment entries of the exec, or NUL-terminated records read
 * from stdin by {@code read -r -d ''}, and are used only as quoted expansions.
 */
final class Scripts {
    private Scripts() {}

    /** Where background processes keep their pid, logs and exit code inside the container. */
    static final String PROC_DIR = "/var/lib/sandbox-jobs/proc";

    /**
     * Sent first to a session's shell. {@code __sj_pre N C} reads N {@code NAME=value} records
     * (exported for this command, restored by {@code __sj_post}), a directory if C is 1, then the
     * command. {@code __sj_post TOKEN CODE} restores the environment and writes the end marker
     * with the exit code on both streams (and the directory on stdout). {@code __sj_read PATH}
     * prints a regular file (11: a directory, 18: not a regular file) without forking a script.
     * {@code __sj_files OP PATH [PATH2]} is {@link #FILE_OPS} in a subshell of the shell: a fork,
     * where {@code bash -c} of the script (whose text the shell reads a byte at a time as a record)
     * costs about 12 ms more here. {@code __sj_put PATH text|base64 CONTENT} is {@link #PUT_FILE} alike.
     * {@code __sj_recv PATH TEMP SIZE TOKEN COMMIT} is {@link #RECV_FILE}, which reads the SIZE bytes
     * that follow on the shell's stdin once it has printed TOKEN, then the record COMMIT.
     */
    static final String SESSION_BOOT = """
            set +m +e +u +o pipefail
            cd -- "${__SJ_CWD:-/}" 2>/dev/null || { mkdir -p -- "$__SJ_CWD" 2>/dev/null && cd -- "$__SJ_CWD"; } || cd /
            unset __SJ_CWD
            __sj_pre() {
              local __sj_n=$1 __sj_c=$2 __sj_i __sj_kv __sj_k
              __sj_saved=(); __sj_unset=(); __sj_oldpwd=
              for ((__sj_i = 0; __sj_i < __sj_n; __sj_i++)); do
                IFS= read -r -d '' __sj_kv
                __sj_k=${__sj_kv%%=*}
                if [[ -v $__sj_k ]]; then __sj_saved+=("$__sj_k=${!__sj_k}"); else __sj_unset+=("$__sj_k"); fi
                export "$__sj_kv"
              done
              __sj_cmd=
              if [[ $__sj_c == 1 ]]; then
                IFS= read -r -d '' __sj_kv
                __sj_oldpwd=$PWD
                IFS= read -r -d '' __sj_cmd
                cd -- "$__sj_kv" || return 1
                return 0
              fi
              IFS= read -r -d '' __sj_cmd
            }
            __sj_post() {
              local __sj_kv
              for __sj_kv in "${__sj_saved[@]}"; do export "$__sj_kv"; done
              for __sj_kv in "${__sj_unset[@]}"; do unset "$__sj_kv"; done
              if [[ -n $__sj_oldpwd ]]; then cd -- "$__sj_oldpwd" 2>/dev/null; fi
              __sj_saved=(); __sj_unset=(); __sj_oldpwd=
              printf '%s %d %s\\0' "$1" "$2" "$PWD"
              printf '%s %d\\0' "$1" "$2" >&2
            }
            __sj_argv() {
              local __sj_n=$1 __sj_i __sj_kv
              __sj_args=()
              for ((__sj_i = 0; __sj_i < __sj_n; __sj_i++)); do IFS= read -r -d '' __sj_kv; __sj_args+=("$__sj_kv"); done
            }
            __sj_xargv() {
              local __sj_n=$1 __sj_m=$2 __sj_i __sj_kv
              __sj_xenv=(); __sj_args=()
              for ((__sj_i = 0; __sj_i < __sj_n; __sj_i++)); do IFS= read -r -d '' __sj_kv; __sj_xenv+=("$__sj_kv"); done
              IFS= read -r -d '' __sj_xdir
              for ((__sj_i = 0; __sj_i < __sj_m; __sj_i++)); do IFS= read -r -d '' __sj_kv; __sj_args+=("$__sj_kv"); done
            }
            __sj_xrun() {
              local __sj_kv
              for __sj_kv in "${__sj_xenv[@]}"; do export "$__sj_kv"; done
              cd -- "$__sj_xdir" || exit 1
              exec -- "${__sj_args[@]}"
            }
            __sj_left() {
              local __sj_d __sj_s
              for __sj_d in /proc/[0-9]*; do
                [[ ${__sj_d#/proc/} == "$$" ]] && continue
                { IFS= read -r __sj_s < "$__sj_d/stat"; } 2>/dev/null || continue
                __sj_s=${__sj_s##*) }
                __sj_s=($__sj_s)
                [[ ${__sj_s[3]} == "$$" ]] && return 0
                [[ $__sj_d/fd/1 -ef /proc/$$/fd/1 || $__sj_d/fd/2 -ef /proc/$$/fd/2 \\
                   || $__sj_d/fd/1 -ef /proc/$$/fd/2 || $__sj_d/fd/2 -ef /proc/$$/fd/1 ]] 2>/dev/null && return 0
              done
              return 1
            }
            __sj_xpost() {
              local __sj_h=free
              __sj_left && __sj_h=held
              printf '%s %d %s\\0' "$1" "$2" "$__sj_h"
              printf '%s %d\\0' "$1" "$2" >&2
            }
            __sj_read() {
              [ -d "$1" ] && return 11; [ -f "$1" ] || return 18
              cat -- "$1"
            }
            __sj_setenv() {
              local __sj_n=$1 __sj_i __sj_kv
              for ((__sj_i = 0; __sj_i < __sj_n; __sj_i++)); do IFS= read -r -d '' __sj_kv; export "$__sj_kv"; done
            }
            """ + "__sj_files() (\n" + Scripts.FILE_OPS + ")\n__sj_put() (\n" + Scripts.PUT_FILE + ")\n"
            + "__sj_recv() {\n" + Scripts.RECV_FILE + "}\n";

    /** The argv of file operation {@code args} ({@link #FILE_OPS}) for a helper shell: its function. */
    static List<String> fileOpsCall(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add("__sj_files");
        argv.addAll(args);
        return argv;
    }

    /** The argv of file operation {@code args} for a Docker exec, which has no helper shell's functions. */
    static List<String> fileOpsScript(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", FILE_OPS, "sj-files"));
        argv.addAll(args);
        return argv;
    }

    /**
     * Sends a signal to every descendant of a process ($1), found through /proc, and to the
     * process itself when $3 is 1. With $4 = 1 and a process that leads its own session (a shell
     * started by a Docker exec does), the session's orphans are included too: processes whose
     * parent died and that were re-parented to the container's init, such as what is left of a
     * fork bomb. Argv: SCRIPT name PID SIGNAL SELF [ORPHANS].
     */
    static final String KILL_TREE = """
            root=$1; sig=$2; self=$3; sweep=${4:-0}
            walk() { local c; for c in ${kids[$1]}; do list+=("$c"); walk "$c"; done; }
            for round in 1 2 3 4 5 6 7 8; do
              declare -A kids=()
              orphans=()
              for f in /proc/[0-9]*/stat; do
                read -r s < "$f" 2>/dev/null || continue
                p=${s%% *}; r=${s##*) }; r=${r#* }
                a=($r); pp=${a[0]}; sess=${a[2]}
                kids[$pp]+=" $p"
                [ "$sweep" = 1 ] && [ "$sess" = "$root" ] && [ "$p" != "$root" ] && [ "$pp" = 1 ] && orphans+=("$p")
              done
              list=("${orphans[@]}")
              walk "$root"
              [ ${#list[@]} -eq 0 ] && break
              kill -s "$sig" "${list[@]}" 2>/dev/null
            done
            [ "$self" = 1 ] && kill -s "$sig" "$root" 2>/dev/null
            exit 0
            """;

    /**
     * Starts a background process: a new session (process group) whose leader runs the command
     * with its output in files and records the exit code. Prints the leader's pid.
     * Argv: SCRIPT name DIR COMMAND.
     */
    static final String START_PROCESS = """
            d=$1
            mkdir -p -- "$d" || exit 1
            setsid bash -c 'bash -c "$1" </dev/null >"$2/stdout" 2>"$2/stderr"; e=$?; echo "$e" >"$2/exit.tmp"; mv "$2/exit.tmp" "$2/exit"' sj-process "$2" "$d" </dev/null >/dev/null 2>&1 &
            echo "$!" >"$d/pid"
            echo "$!"
            """;

    /**
     * Reports each process directory's state: {@code ID exit CODE}, {@code ID running} or
     * {@code ID gone}. Argv: SCRIPT name ID PID [ID PID]...
     */
    static final String PROCESS_STATES = """
            while [ $# -ge 2 ]; do
              d=/var/lib/sandbox-jobs/proc/$1
              if [ -f "$d/exit" ]; then echo "$1 exit $(cat "$d/exit")"
              elif kill -0 "$2" 2>/dev/null; then echo "$1 running"
              else echo "$1 gone"; fi
              shift 2
            done
            """;

    /**
     * Signals a process group ($1) with $2; when $3 is 1, waits up to $4 tenths of a second for
     * it to end and then sends SIGKILL. Exits 3 when the group did not exist.
     */
    static final String KILL_GROUP = """
            pg=$1; sig=$2; esc=$3; tenths=$4
            kill -0 -- "-$pg" 2>/dev/null || exit 3
            kill -s "$sig" -- "-$pg" 2>/dev/null
            if [ "$esc" = 1 ]; then
              i=0
              while [ $i -lt "$tenths" ] && kill -0 -- "-$pg" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
              kill -s KILL -- "-$pg" 2>/dev/null
            fi
            exit 0
            """;

    /**
     * Follows a process's two log files until it ends: stdout on stdout, stderr on stderr.
     * Argv: SCRIPT name DIR PID.
     */
    static final String FOLLOW_LOGS = """
            tail -c +1 --pid="$2" -f "$1/stdout" &
            t=$!
            tail -c +1 --pid="$2" -f "$1/stderr" >&2
            wait "$t"
            """;

    /**
     * Writes a small file as the sandbox's user, with the exit codes of {@link #FILE_OPS} (11, 12,
     * 13, 15; 20: writing or renaming failed): the content goes into a new file beside the target
     * (mode 0644), which is renamed over it. A helper shell's function ({@code __sj_put}, see
     * {@link #SESSION_BOOT}): its argv is PATH text|base64 CONTENT.
     */
    static final String PUT_FILE = """
            p=$1; d=${p%/*}; d=${d:-/}
            [ -d "$p" ] && exit 11; [ -e "$d" ] || exit 13; [ -d "$d" ] || exit 12
            [ -w "$d" ] && [ -x "$d" ] || exit 15; [ -e "$p" ] && ! [ -w "$p" ] && exit 15
            t=${d%/}/.sj-put-$BASHPID-$RANDOM$RANDOM; umask 022
            if [ "$2" = text ]; then printf '%s' "$3" > "$t"; else base64 -d <<< "$3" > "$t"; fi \
              && mv -fT -- "$t" "$p" || { rm -f -- "$t"; exit 20; }
            """;

    /**
     * The body of the helper shells' function {@code __sj_recv PATH TEMP SIZE TOKEN COMMIT}: writes
     * the next SIZE bytes of the shell's stdin into TEMP, a new file beside PATH, and renames it over
     * PATH, with {@link #PUT_FILE}'s checks and exit codes. The checks come first, before any byte
     * is sent. Then a pipeline starts, and its last process prints TOKEN once both of its
     * processes are forked: only then are the bytes sent, so a sandbox at its process limit,
     * where a fork fails, gets none to leave to the shell. The bytes are the file's content, never
     * commands: {@code head -c} reads exactly SIZE of them (GNU and BusyBox alike read no further)
     * into a reader that drains whatever it could not write, so a full disk leaves none behind
     * either. The engine follows the bytes with the record COMMIT. The file is renamed only when
     * {@code head} ended well and COMMIT came next. Otherwise the shell exits (21): a {@code head}
     * killed or removed by a process of the sandbox may have left bytes unread, which must not be
     * read as commands; and input that ended early (the engine closed a write that stalled, or lost
     * its connection) made {@code head} stop short, so the cut file must not replace PATH. An image
     * without {@code head} gets 127 before any byte. Not a subshell (a fork less): its variables are
     * local and it changes nothing else of the shell.
     */
    static final String RECV_FILE = """
            type -P head >/dev/null || return 127
            local p=$1 t=$2 d=${1%/*} c; d=${d:-/}
            [ -d "$p" ] && return 11; [ -e "$d" ] || return 13; [ -d "$d" ] || return 12
            [ -w "$d" ] && [ -x "$d" ] || return 15; [ -e "$p" ] && ! [ -w "$p" ] && return 15
            head -c "$3" | {
              printf '%s' "$4"; umask 022
              cat > "$t" && exit 0
              rm -f -- "$t"; cat > /dev/null; exit 20
            }
            local s=("${PIPESTATUS[@]}")
            [ "${s[0]}" = 0 ] && IFS= read -r -d '' c && [ "$c" = "$5" ] || { rm -f -- "$t"; exit 21; }
            [ "${s[1]}" = 0 ] && mv -fT -- "$t" "$p" && return 0
            rm -f -- "$t"; return 20
            """;

    /**
     * File operations with distinct exit codes: 10 not found, 11 is a directory, 12 not a
     * directory, 13 parent not found, 14 exists, 15 the sandbox's user may not write there;
     * {@code replace DIR STAGING} (a restore's last step: DIR's content becomes STAGING's, a
     * directory inside it; a directory the user may not write is made writable for the move, as
     * renaming a directory needs): 16 the old content could not all be removed, 17 the new could not
     * be moved; {@code purge} removes a tree, making the user's own read-only directories writable
     * when {@code rm} alone cannot. {@code wfile} and {@code wdir} check, as the sandbox's user, what Docker's archive API
     * (which extracts as root) is about to write; {@code mkdirw} is {@code mkdirp} then {@code wdir}
     * in one call. Argv: SCRIPT name OP PATH [PATH2].
     */
    static final String FILE_OPS = """
            op=$1; p=$2; q=$3
            parent() { local d; d=$(dirname -- "$1"); [ -e "$d" ] || exit 13; [ -d "$d" ] || exit 12; }
            purge() { rm -rf -- "$@" 2>/dev/null || { chmod -R u+w -- "$@" 2>/dev/null; rm -rf -- "$@"; }; }
            case "$op" in
              mkdir)   [ -e "$p" ] && { [ -d "$p" ] && exit 14; exit 12; }; parent "$p"; mkdir -- "$p" ;;
              mkdirp)  [ -e "$p" ] && ! [ -d "$p" ] && exit 12; mkdir -p -- "$p" ;;
              delete)  [ -e "$p" ] || [ -L "$p" ] || exit 10; [ -d "$p" ] && ! [ -L "$p" ] && exit 11; rm -f -- "$p" ;;
              rename)  [ -e "$p" ] || [ -L "$p" ] || exit 10; parent "$q"; mv -T -- "$p" "$q" ;;
              move)    [ -e "$p" ] || [ -L "$p" ] || exit 10; parent "$q"; mv -- "$p" "$q" ;;
              exists)  [ -e "$p" ] || [ -L "$p" ] || exit 10 ;;
              list)    [ -e "$p" ] || exit 10; [ -d "$p" ] || exit 12
                       find -H "$p" -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%T@\\t%f\\0' ;;
              stat)    [ -e "$p" ] || exit 10; [ -d "$p" ] && exit 11; exit 0 ;;
              wfile)   [ -d "$p" ] && exit 11; d=$(dirname -- "$p"); [ -e "$d" ] || exit 13; [ -d "$d" ] || exit 12
                       [ -w "$d" ] && [ -x "$d" ] || exit 15; [ -e "$p" ] && ! [ -w "$p" ] && exit 15; exit 0 ;;
              wdir)    [ -d "$p" ] || exit 12; [ -w "$p" ] && [ -x "$p" ] || exit 15; exit 0 ;;
              mkdirw)  [ -e "$p" ] && ! [ -d "$p" ] && exit 12; mkdir -p -- "$p" || exit
                       [ -w "$p" ] && [ -x "$p" ] || exit 15; exit 0 ;;
              concat)  shift 2; cat -- "$@" > "$p" && rm -f -- "$@" ;;
              replace) shopt -s dotglob nullglob; old=(); ro=()
                       for e in "$p"/*; do [ "${e##*/}" = "${q##*/}" ] || old+=("$e"); done
                       ((${#old[@]} == 0)) || purge "${old[@]}" || exit 16
                       new=("$q"/*)
                       for e in "${new[@]}"; do [ -d "$e" ] && ! [ -L "$e" ] && ! [ -w "$e" ] && ro+=("${e##*/}"); done
                       ((${#ro[@]} == 0)) || (cd -- "$q" && chmod u+w -- "${ro[@]}") || exit 17
                       ((${#new[@]} == 0)) || mv -- "${new[@]}" "$p"/ || exit 17
                       ((${#ro[@]} == 0)) || (cd -- "$p" && chmod u-w -- "${ro[@]}") || exit 17
                       rmdir -- "$q" ;;
              purge)   purge "$p" ;;
              read)    [ -d "$p" ] && exit 11; [ -f "$p" ] || exit 18
                       if [ -n "$q" ]; then s=$(stat -Lc %s -- "$p") || exit 18; [ "$s" -le "$q" ] || exit 19; fi
                       exec cat -- "$p" ;;
              *) exit 2 ;;
            esac
            """;

    /**
     * Clones a repository. A token, if any, reaches git only through the credential helper
     * below, which reads it from the exec's environment ({@code SJ_GIT_TOKEN}); it is never in
     * an argument. Argv: SCRIPT name URL TARGET BRANCH DEPTH (empty for none).
     */
    static final String GIT_CHECKOUT = """
            url=$1; target=$2; branch=$3; depth=$4
            args=(clone --quiet)
            [ -n "$branch" ] && args+=(--branch "$branch")
            [ -n "$depth" ] && args+=(--depth "$depth")
            helper='!f() { echo username=x-access-token; echo "password=$SJ_GIT_TOKEN"; }; f'
            if [ -n "$SJ_GIT_TOKEN" ]; then
              git -c credential.helper= -c credential.helper="$helper" "${args[@]}" -- "$url" "$target" || exit 20
            else
              git "${args[@]}" -- "$url" "$target" || exit 20
            fi
            cd -- "$target" || exit 21
            printf '%s\\n' "$(git rev-parse HEAD)" "$(git symbolic-ref --short -q HEAD)"
            """;
}
