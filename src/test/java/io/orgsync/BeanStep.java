package io.orgsync;

import org.apache.camel.Exchange;
import org.apache.camel.component.bean.BeanProcessor;

import java.lang.reflect.InvocationTargetException;

/**
 * Calls a bean method as a route's {@code bean} step does: its parameters bound from the exchange by
 * their annotations, its result (if it has one) the new body. A test through this sees a wrongly
 * named property as the route would, not just the method's logic.
 */
public final class BeanStep {

    private BeanStep() {
    }

    /**
     * Runs the step; a failure is thrown as the method threw it, as a route's error handler sees it.
     *
     * @return the body after the step: the method's result, or the body as it was for a void method
     */
    @SuppressWarnings("unchecked")
    public static <T> T call(Object bean, String method, Exchange exchange) {
        BeanProcessor step = new BeanProcessor(bean, exchange.getContext());
        step.setMethod(method);
        try {
            step.start();
            step.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        Throwable failure = exchange.getException();
        exchange.setException(null);
        while (failure instanceof InvocationTargetException || failure instanceof org.apache.camel.RuntimeCamelException
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return (T) exchange.getMessage().getBody();
    }
}
