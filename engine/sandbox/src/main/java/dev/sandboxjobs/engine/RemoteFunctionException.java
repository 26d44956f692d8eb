package dev.sandboxjobs.engine;

import java.util.List;

/**
 * A remote function raised an exception in the sandbox ({@link ErrorCode#FUNCTION_FAILED}): the
 * remote exception's type, message and stack are kept as data, and the message shows all three.
 *
 * <pre>{@code
 * try {
 *     sandbox.callFunction(ratio, 1, 0);
 * } catch (RemoteFunctionException e) {
 *     e.remoteType();      // "java.lang.ArithmeticException" (Java) or "ZeroDivisionError" (Python)
 *     e.remoteMessage();   // "/ by zero"
 *     e.remoteStack();     // the stack trace (Java) or traceback (Python), one line an element
 * }
 * }</pre>
 *
 * <p>Other failures of a call (a source that does not compile, a result that is not JSON, a process
 * that ends without a result) are plain {@link SandboxException}s with the same code.
 */
public final class RemoteFunctionException extends SandboxException {
    private final String remoteType;
    private final String remoteMessage;
    private final List<String> remoteStack;

    public RemoteFunctionException(String function, String remoteType, String remoteMessage, List<String> remoteStack) {
        super(ErrorCode.FUNCTION_FAILED, "The function " + function + " raised " + remoteType + ": " + remoteMessage
                + (remoteStack.isEmpty() ? "" : "\n" + String.join("\n", remoteStack)));
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteStack = List.copyOf(remoteStack);
    }

    /** The exception's class name (Java) or type name (Python). */
    public String remoteType() {
        return remoteType;
    }

    /** The exception's message; empty when it had none. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The stack trace or traceback, one line an element, the runner's own frames left out. */
    public List<String> remoteStack() {
        return remoteStack;
    }
}
