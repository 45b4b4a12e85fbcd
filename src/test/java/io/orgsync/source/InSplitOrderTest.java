package io.orgsync.source;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InSplitOrderTest {

    private final CamelContext context = new DefaultCamelContext();
    private final List<String> mapped = new ArrayList<>();
    private final InSplitOrder strategy = new InSplitOrder(answer -> mapped.add(answer.getMessage().getBody(String.class)));

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    @Test
    void answersArrivingOutOfOrderAreMappedInSplitOrderAndDroppedOnceMapped() {
        Exchange two = answer(2);
        Exchange result = aggregateAll(answer(1), two, answer(0), answer(4), answer(3));

        assertThat(mapped).containsExactly("class-0", "class-1", "class-2", "class-3", "class-4");
        assertThat(two.getMessage().getBody()).isNull();
        strategy.onCompletion(result, null);
        assertThat(result.getException()).isNull();
        assertThat(result.getProperty(InSplitOrder.WAITING)).isNull();
    }

    @Test
    void anAnswerThatNeverCameFailsTheSplitInsteadOfLosingTheLaterOnes() {
        Exchange result = aggregateAll(answer(0), answer(2), answer(3));

        assertThat(mapped).containsExactly("class-0");
        strategy.onCompletion(result, null);
        assertThat(result.getException()).hasMessage("the split ended without answer 1; answers from 2 on were never mapped");
    }

    @Test
    void afterAFailedAnswerNothingMoreIsMapped() {
        Exchange failed = answer(1);
        failed.setException(new IllegalStateException("class 1 refused"));
        Exchange waiting = answer(2);

        Exchange result = aggregateAll(answer(0), waiting, failed, answer(3));

        assertThat(mapped).containsExactly("class-0");
        assertThat(result.getException()).hasMessage("class 1 refused");
        assertThat(waiting.getMessage().getBody()).isNull();
    }

    @Test
    void aMappingFailureIsThrownOutOfTheStrategyAndDropsWhatWaits() {
        InSplitOrder failing = new InSplitOrder(answer -> {
            if ("class-0".equals(answer.getMessage().getBody(String.class))) {
                throw new IllegalArgumentException("unreadable class");
            }
        });
        Exchange waiting = answer(1);
        Exchange result = failing.aggregate(null, waiting);

        assertThatThrownBy(() -> failing.aggregate(result, answer(0))).hasMessage("unreadable class");
        assertThat(waiting.getMessage().getBody()).as("the answer that waited is dropped").isNull();
    }

    @Test
    void eachSplitStartsFromItsFirstAnswerAgain() {
        strategy.onCompletion(aggregateAll(answer(0), answer(1)), null);
        strategy.onCompletion(aggregateAll(answer(1), answer(0)), null);

        assertThat(mapped).containsExactly("class-0", "class-1", "class-0", "class-1");
    }

    private Exchange aggregateAll(Exchange... answers) {
        Exchange result = null;
        for (Exchange answer : answers) {
            result = strategy.aggregate(result, answer);
        }
        return result;
    }

    private Exchange answer(int index) {
        Exchange answer = new DefaultExchange(context);
        answer.setProperty(ExchangePropertyKey.SPLIT_INDEX, index);
        answer.getMessage().setBody("class-" + index);
        return answer;
    }
}
