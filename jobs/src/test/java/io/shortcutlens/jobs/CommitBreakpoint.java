package io.shortcutlens.jobs;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A debugger attached to a driver JVM started with {@code -agentlib:jdwp=...,suspend=y}: it stops the whole JVM the
 * first time a Delta log store's {@code write} runs (the commit writing its log entry, every data file of the write
 * already in place) and keeps it stopped, so a test can kill the driver exactly inside the commit.
 */
final class CommitBreakpoint implements AutoCloseable {
    private final VirtualMachine vm;
    private final CountDownLatch hit = new CountDownLatch(1);
    private volatile String where;

    private CommitBreakpoint(VirtualMachine vm) {
        this.vm = vm;
    }

    /** Attaches (retrying until the JVM listens), arms the breakpoint and lets the JVM run. */
    static CommitBreakpoint attach(int port, long timeoutMs) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(String.valueOf(port));
        long deadline = System.currentTimeMillis() + timeoutMs;
        VirtualMachine vm;
        while (true) {
            try {
                vm = socket.attach(args);
                break;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("no JVM to debug on port " + port + " after " + timeoutMs + " ms", notYet);
                }
                Thread.sleep(200);
            }
        }
        CommitBreakpoint b = new CommitBreakpoint(vm);
        ClassPrepareRequest prepare = vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter("*LogStore");
        prepare.enable();
        Thread loop = new Thread(b::events, "commit-breakpoint");
        loop.setDaemon(true);
        loop.start();
        vm.resume();
        return b;
    }

    private void events() {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                boolean stay = false;
                for (Event e : set) {
                    if (e instanceof ClassPrepareEvent prepared) {
                        arm(prepared.referenceType());
                    } else if (e instanceof BreakpointEvent at) {
                        where = at.location().declaringType().name() + "." + at.location().method().name();
                        stay = true; // every thread stays suspended until the process is killed
                        hit.countDown();
                    } else if (e instanceof VMDeathEvent || e instanceof VMDisconnectEvent) {
                        return;
                    }
                }
                if (!stay) {
                    set.resume();
                }
            }
        } catch (InterruptedException | com.sun.jdi.VMDisconnectedException gone) {
            // the driver was killed
        }
    }

    private void arm(ReferenceType type) {
        for (Method m : type.methodsByName("write")) {
            if (m.location() != null && hit.getCount() > 0) {
                BreakpointRequest r = vm.eventRequestManager().createBreakpointRequest(m.location());
                r.setSuspendPolicy(EventRequest.SUSPEND_ALL);
                r.enable();
            }
        }
    }

    boolean await(long timeoutMs) throws InterruptedException {
        return hit.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    String where() {
        return where;
    }

    @Override
    public void close() {
        try {
            vm.dispose();
        } catch (com.sun.jdi.VMDisconnectedException gone) {
            // already dead
        }
    }
}
