pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                echo 'first'
                parallel(a: {
                    echo 'a'
                }, b: {
                    echo 'b'
                })
            }
        }
    }
}
