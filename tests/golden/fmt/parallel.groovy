pipeline {
    agent none
    stages {
        stage('Checks') {
            failFast true
            parallel {
                stage('unit') { agent { label 'linux' }
                    steps { sh './unit.sh' } }
                stage('lint') {
                    steps {
                        echo 'lint'
                    }
                }
            }
        }
        stage('legacy') {
            steps {
                parallel(first: { echo 'one' }, second: {
                    echo 'two'
                })
                parallel(
                    a: { echo 'a' },
                    b: { echo 'b' }
                )
            }
        }
    }
}
